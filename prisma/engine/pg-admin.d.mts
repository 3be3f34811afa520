import type pg from 'pg';
export declare function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T>;
export declare function withSchema(url: string, schema: string): string;
export declare function onDatabase(url: string, database: string): string;
export declare function runStatements(url: string, statements: string[]): Promise<void>;
