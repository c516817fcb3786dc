/**
 * A text file's leading U+FEFF (the UTF-8 byte order mark) removed. Windows tools — Notepad, Excel's
 * "CSV UTF-8", PowerShell — write it at the start of files people hand to the `dunghan` command; JSON
 * parsers refuse it (YAML and csv-parse skip it themselves).
 */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
