/**
 * @runlog/parser — turns GitHub Actions runner (and Azure Pipelines agent) `_diag` logs into
 * typed events.
 */
export type * from './events.js';
export { EVENT_KINDS } from './events.js';
export type { Level, ProcessKind, FileKind, Envelope, LogRecord } from './records.js';
export { LogParser, parseLines, parseText, splitLines, type ParserOptions, type ParserInfo } from './parser.js';
export type { UnrecognizedPolicy } from './builder.js';
export { RecordAssembler } from './assembler.js';
export { parseHeader } from './header.js';
export { classifyFileName, type FileClass } from './file-kind.js';
export { exceptionAt, findEmbeddedException } from './exception.js';
export { httpStatusCode } from './text.js';
export { readDiag, DiagReader, type ReadDiagOptions, type DiagStats, type FileStats, type ReadProgress } from './read-diag.js';
export { createEventStream, createLineParserStream, type EventStreamOptions } from './stream.js';
export { LineDecoder, DEFAULT_MAX_LINE_BYTES, type DecodeStats, type TextEncoding } from './decode.js';
export { RunlogInputError, type DiagWarning, type InputErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type InputLimits } from './inputs.js';
export { JobLinker } from './correlate.js';
export { parseFiles, type InMemoryFile } from './parse-files.js';
