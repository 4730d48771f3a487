/** A keep flag: metadata that stays (as `--keep` in the command). `display` = orientation, icc, gain_map. */
export type KeepFlag = 'orientation' | 'icc' | 'gain_map' | 'gain-map' | 'copyright' | 'display';

export type Format = 'JPEG' | 'PNG' | 'GIF' | 'WebP' | 'BMP' | 'HEIF' | 'AVIF';

/** A kind of metadata removed (the command's `removed` names). */
export type Kind =
  | 'exif' | 'xmp' | 'iptc' | 'icc' | 'comment' | 'text' | 'timestamp' | 'thumbnail'
  | 'trailer' | 'other';

/** What the removed metadata held (the command's `found` names). */
export type Found =
  | 'gps' | 'capture_time' | 'device' | 'serial_number' | 'person' | 'faces'
  | 'location_text' | 'thumbnail' | 'edit_history' | 'software' | 'comment'
  | 'embedded_media';

export interface Options {
  /** Metadata to keep; nothing is kept by default. */
  keep?: KeepFlag[];
  /** "cos" (default): the COS limits on size, dimensions and frames; "none": no limits. */
  limits?: 'cos' | 'none';
  /** Return an input over a limit unchanged (report.untouched) instead of throwing. */
  ignoreLimitErrors?: boolean;
}

/**
 * What stripping removes: the command's `--report` JSON with camelCase keys, without
 * `path`/`output`, plus `foundPhrases`. Flag names stay snake_case as in the command.
 */
export interface Report {
  format: Format;
  removed: Kind[];
  found: Found[];
  /** `found` for people: "GPS position", "camera serial number", "capture time", … */
  foundPhrases: string[];
  bytesBefore: number;
  bytesAfter: number;
  bytesRemoved: number;
  width: number;
  height: number;
  frames: number;
  /** Over a limit and copied unchanged (ignoreLimitErrors): its metadata was NOT removed. */
  untouched: boolean;
  truncated: boolean;
  /** Keep flags whose metadata could not stay in this format or size. */
  notKept: Array<'orientation' | 'icc' | 'gain_map' | 'copyright'>;
}

export type ErrorKind = 'UnknownFormat' | 'Truncated' | 'Malformed' | 'Unsupported' | 'LimitExceeded';

export class ImgstripError extends Error {
  readonly name: 'ImgstripError';
  readonly kind: ErrorKind;
  /** Undefined only for UnknownFormat. */
  readonly format: Format | undefined;
  /** The byte of the input the error points at; undefined only for UnknownFormat. */
  readonly offset: number | undefined;
}

/** The stripped copy. @throws ImgstripError, or TypeError for bad options. */
export function strip(data: Uint8Array | ArrayBuffer | ArrayBufferView, options?: Options): Uint8Array;
/** What strip would remove, without building the output. @throws ImgstripError, or TypeError. */
export function inspect(data: Uint8Array | ArrayBuffer | ArrayBufferView, options?: Options): Report;
export function detect(data: Uint8Array | ArrayBuffer | ArrayBufferView): Format | undefined;
