/** The current time, as a port: the domain never calls `new Date()`. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
