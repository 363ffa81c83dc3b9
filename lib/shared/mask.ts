/** Masks a mobile for logs and replies: `254712345088` → `2547****5088`. */
export function maskMobile(mobile: string): string {
  if (mobile.length <= 8) return '*'.repeat(mobile.length);
  return `${mobile.slice(0, 4)}${'*'.repeat(mobile.length - 8)}${mobile.slice(-4)}`;
}
