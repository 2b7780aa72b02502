import { z } from 'astro/zod';

/** Social profiles: listed in the footer and as `sameAs` in structured data. */
export const SocialSchema = z
  .strictObject({
    /** Profile URLs. @default [] @example ['https://www.instagram.com/chinookbulbs'] */
    profiles: z.array(z.url({ protocol: /^https$/ })).default([]),
    /** X/Twitter handle for `twitter:site`. @example '@chinookbulbs' */
    twitter: z
      .string()
      .regex(/^@\w{1,15}$/, 'use a handle such as "@chinookbulbs"')
      .optional(),
  })
  .prefault({});
