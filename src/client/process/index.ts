/**
 * @module client/process
 * Clients in any language: a child process speaking JSON lines on stdin/stdout, whose
 * HTTP requests, timers and random draws are answered by the simulator
 * (docs/process-protocol.md).
 */
export { type ChannelExit, type ChannelRead, ProcessChannel } from './channel.ts';
export {
  createProcessClient,
  type ProcessClientOptions,
  START_TIMEOUT_MS_DEFAULT,
  TURN_TIMEOUT_MS_DEFAULT,
} from './factory.ts';
export { closeIdleProcesses, IDLE_MAX, idlePids, processPool } from './pool.ts';
export {
  type AppMethod,
  type ClientMessage,
  fetchErrorCode,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientMessage,
  resultProblem,
  type SimulatorMessage,
} from './protocol.ts';
export {
  MESSAGES_PER_TURN_MAX,
  ProcessClientError,
  ProcessSession,
  processTraffic,
  type SessionOptions,
} from './session.ts';
