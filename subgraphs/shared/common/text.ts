/**
 * Whether text holds a C0 control character (U+0000–U+001F) or DEL (U+007F): refused in names,
 * reasons and other free text that ends up in logs, headers and the audit log.
 */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
