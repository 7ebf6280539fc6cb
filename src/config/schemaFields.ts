import { z } from 'zod';

/** One field of a nested setting, read off its zod schema: what the reference and the starter file print. */
export type FieldDoc = { path: string; type: string; defaultValue: unknown; required: boolean; description: string };

/** The schema under its default/optional/refinement wrappers, with the description found on the way. */
export function unwrap(schema: z.ZodTypeAny): { inner: z.ZodTypeAny; description: string | undefined } {
  let s = schema;
  let description = schema.description;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodEffects) {
    s = s instanceof z.ZodEffects ? s._def.schema : s._def.innerType;
    description ??= s.description;
  }
  return { inner: s, description };
}

/** A type as a reader of the reference writes it: `webhook`, `immediate \| daily`, list of text, whole number ≥ 1. */
function typeName(schema: z.ZodTypeAny): string {
  const { inner } = unwrap(schema);
  if (inner instanceof z.ZodLiteral) return `\`${String(inner.value)}\``;
  if (inner instanceof z.ZodEnum) return (inner.options as string[]).map((o) => `\`${o}\``).join(', ');
  if (inner instanceof z.ZodBoolean) return 'true/false';
  if (inner instanceof z.ZodNumber) {
    const min = inner.minValue;
    const max = inner.maxValue;
    const kind = inner.isInt ? 'whole number' : 'number';
    return [kind, min !== null ? `≥ ${min}` : '', max !== null ? `≤ ${max}` : ''].filter(Boolean).join(' ');
  }
  if (inner instanceof z.ZodString) return 'text';
  if (inner instanceof z.ZodArray) return `list of ${typeName(inner.element).replace(/^whole number.*/, 'whole numbers')}`;
  if (inner instanceof z.ZodRecord) return 'mapping';
  if (inner instanceof z.ZodObject) return 'mapping';
  return 'value';
}

/** Every field of an object schema, nested objects flattened (filters.minImportance). */
export function objectFields(schema: z.ZodTypeAny, prefix = ''): FieldDoc[] {
  const { inner } = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodTypeAny>).flatMap(([name, field]) => {
    const path = prefix + name;
    const { inner: fieldInner, description } = unwrap(field);
    if (fieldInner instanceof z.ZodObject) return objectFields(field, `${path}.`);
    const parsed = field.safeParse(undefined);
    return [
      {
        path,
        type: typeName(field),
        defaultValue: parsed.success ? parsed.data : undefined,
        required: !parsed.success,
        description: description ?? '',
      },
    ];
  });
}

/** The variants of a list of tagged objects (channels: webhook, email, atom), by their tag. */
export function variantsOf(listSchema: z.ZodTypeAny): { tag: string; schema: z.ZodTypeAny }[] {
  const { inner } = unwrap(listSchema);
  const element = inner instanceof z.ZodArray ? unwrap(inner.element).inner : null;
  if (!(element instanceof z.ZodDiscriminatedUnion)) return [];
  const key = element.discriminator as string;
  return (element.options as z.ZodObject<z.ZodRawShape>[]).map((o) => ({
    tag: String((o.shape[key] as z.ZodLiteral<string>).value),
    schema: o,
  }));
}
