/**
 * @module report
 * Reports of a campaign: summary JSON, JUnit XML, a self-contained HTML report with
 * per-device swimlanes, a Mermaid sequence diagram per failure, the writer that puts them
 * under reports/<run>/ (and reports/latest), and the merge of sharded reports.
 */
export { escapeHtml, escapeMermaid, escapeXmlAttribute, escapeXmlText, jsonForScript, shellQuote } from './escape.ts';
export { classify, type DisplayEvent, devicesOf, type EventKind } from './events.ts';
export { readReportModel, renderHtml, renderReportHtml } from './html.ts';
export { buildReportModel, type HtmlOptions, type HtmlRun, type OverviewRow, type ReportModel } from './html-model.ts';
export { failureBody, renderJunit } from './junit.ts';
export {
  type MergeOptions,
  mergeJunit,
  mergeModels,
  mergeReportDirs,
  mergeSummaries,
  ReportInputError,
} from './merge.ts';
export { MERMAID_EVENTS_MAX_DEFAULT, type MermaidOptions, renderMermaid } from './mermaid.ts';
export { failureHeadline, type ReportOptions, type ReproRef, type RunStatus, runStatus } from './runs.ts';
export { type StateTable, stateTable } from './state.ts';
export {
  buildSummary,
  type ReportSummary,
  renderSummary,
  type StatsTotals,
  type SummaryError,
  type SummaryViolation,
} from './summary.ts';
export { buildTimeline, type Timeline } from './timeline.ts';
export {
  INCOMPLETE_MARKER,
  isIncomplete,
  LATEST_NAME,
  updateLatest,
  type WriteReportsOptions,
  type WrittenReports,
  writeReports,
  writeTraceFile,
} from './write.ts';
