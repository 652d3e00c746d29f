/**
 * Message templates: `{{name}}` placeholders filled from a finding's data. As in ESLint, an
 * unknown placeholder is left as written, so a template/data mismatch is visible in tests.
 */
export function interpolate(template: string, data: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string, offset: number) => {
    if (!Object.prototype.hasOwnProperty.call(data, name)) return whole;
    const value = String(data[name]);
    // Log messages end in a period; so do sentences in templates: avoid "..".
    const next = template.charAt(offset + whole.length);
    return next === '.' && value.endsWith('.') && !value.endsWith('..') ? value.slice(0, -1) : value;
  });
}

/** Placeholder names a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}
