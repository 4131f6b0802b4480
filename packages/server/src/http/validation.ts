/**
 * Request validation with fastify's own Ajv setup, with one difference by request part: query
 * strings, path parameters and headers arrive as text and are coerced to the schema's types
 * (`?tier=2`), while JSON bodies are validated exactly as sent, so `{"tier": "2"}` or
 * `{"teams": "payments"}` is a 400 instead of being silently turned into something else.
 */
import AjvCompiler from '@fastify/ajv-compiler';

type BuildValidator = ReturnType<typeof AjvCompiler>;
type CompilerOptions = { customOptions?: AjvCompiler.Options } & Record<string, unknown>;

export function validatorFactory(): BuildValidator {
  const fromPool = AjvCompiler();
  return (externalSchemas, options) => {
    const coercing = fromPool(externalSchemas, options);
    const given = (options ?? {}) as CompilerOptions;
    const exact = fromPool(externalSchemas, {
      ...given,
      customOptions: { ...given.customOptions, coerceTypes: false },
    });
    return (route) => (route.httpPart === 'body' ? exact(route) : coercing(route));
  };
}
