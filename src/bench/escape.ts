/**
 * @module bench/escape
 * HTML escaping for the benchmark page and its SVG charts. bench sits below report in the
 * layers, so it does not import report/escape; this is the same five-character escape,
 * and every string that reaches the page (workload, strategy and client names, messages)
 * goes through it.
 */

/** HTML or SVG text, or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
