/** `lifecycle.preventDestroy`: no routine deploy may delete data or open a database to the internet. */
export const PROTECTED = { preventDestroy: true } as const;
