import pino, { type Logger } from 'pino';
import { currentLogContext } from './context';

/** Structured JSON logs. Request, tenant and user ids are attached from the async context. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'signoff'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...currentLogContext() }),
    redact: { paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization'], remove: false },
  });
}

export type { Logger };
