/** The package version, reported in outputs. */
export const VERSION = '0.1.0';
