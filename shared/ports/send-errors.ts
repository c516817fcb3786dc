import { RefusedError, UnavailableError } from '../support/errors.ts';

/*
 * The one vocabulary of a send's failure, whatever the channel (e-mail, Zalo, SMS; issue #33): refused
 * for good, refused for now, or — any other error — unknown (the service may have taken the message).
 * The detector turns each into the one send outcome (domain: delivery.ts, SendOutcome).
 */

/** The channel will never deliver this message (a bad address or number, not a Zalo user, not configured). */
export class SendRejectedError extends RefusedError {
  override name = 'SendRejectedError';
}

/** The channel refused the message for now (throttled, paused, out of quota): certainly not sent; retry later. */
export class SendDeferredError extends UnavailableError {
  override name = 'SendDeferredError';
}
