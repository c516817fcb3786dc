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
