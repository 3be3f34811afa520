import type { z } from 'zod';
import type { ResolvedRule } from '#platform/rules/thresholds.js';
import type { ProcurementThresholds } from './thresholds.js';

type Rules = ProcurementThresholds['rules'];

/** The resolved thresholds of one procurement rule, typed from its schema. */
export type Thresholds<K extends keyof Rules> = ResolvedRule<z.infer<Rules[K]['params']>>;
