/**
 * @runlog/report — pure formatters of an analysis result (`(result, options) => string`),
 * redaction, and the timeline they share.
 */
export { formatJson, jsonText } from './json.js';
export { formatMarkdown, describeRedaction, GITHUB_COMMENT_LIMIT, type MarkdownOptions } from './markdown.js';
export { formatHtml, type HtmlOptions } from './html.js';
export { formatGithub } from './github.js';
export { buildTimeline, isoMinute, type Timeline, type Lane, type Segment, type Tone } from './timeline.js';
export { Redactor, redactDeep, eachString, type RedactionCategory, type RedactionCount, type RedactorSeed } from './redact.js';
export { redactResult, seedFromResult, type RedactedResult } from './redact-result.js';
export { runnerFacts, versionText, verdictWord, alerts, type FactRow } from './facts.js';
export { stripControl, escapeHtml, escapeMarkdown, codeBlock, codeFence, inlineCode, tableCode, markdownTrusted, mermaidLabel, workflowData, workflowProperty } from './escape.js';
