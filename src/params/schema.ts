/** The declaration of a parameter in frontmatter (`params:`), as a zod schema: validation and types. */
import { fullMatcher } from './pattern.js';
import { z } from 'zod';
import { paramTypeNames } from './types.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A parameter as written in frontmatter; `NAME: aws-region` is shorthand for `{type: aws-region}`. */
export const paramDeclarationSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v ?? {}),
  z
    .object({
      type: z.enum(paramTypeNames).default('string'),
      description: z.string().optional(),
      default: scalar.optional(),
      /** A regular expression the whole value must match. */
      pattern: z.string().optional(),
      /** Allowed values (required for `enum`). */
      values: z.array(z.union([z.string(), z.number()])).optional(),
      secret: z.boolean().optional(),
      required: z.boolean().optional(),
      /** For `arn`: the service (`iam`) and resource type (`role`) it must name. */
      service: z.string().optional(),
      resource: z.string().optional(),
      example: scalar.optional(),
      /** Take the value from this runbook's outputs when an earlier run left them in the state directory. */
      from: z.string().optional(),
    })
    .strict()
    .superRefine((d, ctx) => {
      if (d.type === 'enum' && !d.values?.length) ctx.addIssue({ code: 'custom', message: 'an enum parameter needs `values`', path: ['values'] });
      if (d.pattern) {
        try {
          fullMatcher(d.pattern);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `invalid pattern (RE2 syntax, matched in linear time): ${(error as Error).message}`, path: ['pattern'] });
        }
      }
    }),
);
export type ParamDeclarationInput = z.input<typeof paramDeclarationSchema>;
export type ParamDeclaration = z.output<typeof paramDeclarationSchema>;

