import { maskIdCard, maskName, maskPhone } from '../validation/index.js';

/** The kinds of personal data @personal knows, and how each is masked (docs/security.md, "Compliance"). */
export const maskers = {
  NAME: maskName,
  ID_CARD: maskIdCard,
  PHONE: maskPhone,
} as const satisfies Record<string, (value: string) => string>;

export type PersonalKind = keyof typeof maskers;
export const isPersonalKind = (kind: string): kind is PersonalKind => Object.hasOwn(maskers, kind);
