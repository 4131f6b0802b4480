/** Text matched literally inside a LIKE pattern written with `escape '!'` (same on SQLite and PostgreSQL). */
export const likeLiteral = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);
