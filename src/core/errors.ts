/**
 * The one catalogue of Glance's coded errors (modelled on fastify's `lib/errors.js`): every error a
 * user can meet carries a stable `code`, a message that names the problem, and the process exit
 * status it maps to. The CLI and the daemon map errors to exit statuses only through `exitCodeOf`.
 */

/** Exit statuses, documented in the README. */
export const EXIT = { ok: 0, failure: 1, config: 2, resource: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Base of every coded error: `instanceof GlanceError` tells a user-facing error from a bug. */
export abstract class GlanceError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
}

/** Invalid configuration or arguments: exit 2. `problems` lists each one by path. */
export class ConfigError extends GlanceError {
  override name = 'ConfigError';
  readonly code = 'GLANCE_CONFIG_INVALID';
  readonly exitCode = EXIT.config;
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

/** A required resource (model, camera, port, data directory) is unavailable: exit 3. */
export class ResourceError extends GlanceError {
  override name = 'ResourceError';
  readonly code = 'GLANCE_RESOURCE_UNAVAILABLE';
  readonly exitCode = EXIT.resource;
}

/** Start-up was cancelled by a signal: not a failure, exit 0. */
export class StartupCancelled extends GlanceError {
  override name = 'StartupCancelled';
  readonly code = 'GLANCE_STARTUP_CANCELLED';
  readonly exitCode = EXIT.ok;
}

/** A user's image file is empty, not an image, corrupt or too large: bad input, exit 2. */
export class ImageFileError extends GlanceError {
  override name = 'ImageFileError';
  readonly code = 'GLANCE_IMAGE_INVALID';
  readonly exitCode = EXIT.config;
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** An evaluation or training data folder does not have the expected layout or labels: bad input, exit 2. */
export class DataError extends GlanceError {
  override name = 'DataError';
  readonly code = 'GLANCE_DATA_INVALID';
  readonly exitCode = EXIT.config;
}

/** The exit status for an error a user can act on, or undefined for anything else (a bug: exit 1). */
export function exitCodeOf(err: unknown): ExitCode | undefined {
  return err instanceof GlanceError ? err.exitCode : undefined;
}
