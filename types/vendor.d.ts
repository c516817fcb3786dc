// The package ships types but its "exports" map hides them from TypeScript's bundler resolution.
declare module 'date-holidays-parser' {
  export interface ParsedHoliday {
    date: string;
    start: Date;
    end: Date;
    name: string;
    type: string;
    rule: string;
  }
  export default class HolidaysParser {
    constructor(data: object, country: string);
    getHolidays(year: number): ParsedHoliday[];
  }
}

// dynalite ships no types; this is the part Đúng Hạn uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

// qrcode's encoder alone (what its `create` is): the package root also loads every renderer (PNG via
// pngjs, SVG, terminal), which the function bundles do not need (ADR 0007). Types are @types/qrcode's.
declare module 'qrcode/lib/core/qrcode.js' {
  import type { QRCode, QRCodeOptions } from 'qrcode';

  export function create(text: string, options?: QRCodeOptions): QRCode;
}

// pngjs's synchronous encoder alone (what `PNG.sync.write` calls): the package root also loads its
// decoders and streams, which the letters do not need (ADR 0009). Options are @types/pngjs's.
declare module 'pngjs/lib/packer-sync.js' {
  import type { PackerOptions } from 'pngjs';

  export default function packSync(
    image: { width: number; height: number; data: Buffer },
    options?: PackerOptions,
  ): Buffer;
}
