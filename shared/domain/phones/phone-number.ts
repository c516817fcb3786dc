/** A Vietnamese phone number as each channel wants it: E.164 for SMS, without the plus for ZNS. */
export interface PhoneNumber {
  e164: string;
  zalo: string;
}

/**
 * A Vietnamese mobile number, whatever way it was written at the desk (`0912 345 678`, `+84 912…`,
 * `84912…`, dots and dashes); undefined for anything that is not a 10-digit mobile number (03x, 05x,
 * 07x, 08x, 09x) — a landline cannot receive ZNS or SMS.
 */
export function vietnameseMobile(raw: string | undefined): PhoneNumber | undefined {
  if (!raw) return undefined;
  const digits = raw.replace(/[\s.\-()]/g, '');
  const national = /^\+?84(\d{9})$/.exec(digits)?.[1] ?? /^0(\d{9})$/.exec(digits)?.[1];
  if (!national || !/^[35789]/.test(national)) return undefined;
  return { e164: `+84${national}`, zalo: `84${national}` };
}
