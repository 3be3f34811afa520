export declare function runStatements(url: string, statements: string[]): Promise<void>;
