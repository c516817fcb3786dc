/**
 * zod for every schema in Đúng Hạn: the tree-shakeable `zod/mini` build (a quarter of the classic
 * build's size in each function bundle, ADR 0009) with the English messages, which name what was
 * expected ("expected string, received number") where mini alone says only "Invalid input".
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
