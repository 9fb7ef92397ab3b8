/** Types for build.mjs (plain JavaScript so `node web/widget/build.mjs` runs without a compiler). */
export interface BundleSize {
  raw: number;
  gzip: number;
  brotli: number;
}
export interface BuiltBundle extends BundleSize {
  path: string;
  code: string;
}
export type BundleName = 'loader' | 'chatUi';
export declare const defaultOutdir: string;
export declare const budgets: Record<BundleName, number>;
export declare function measure(code: string): BundleSize;
export declare function buildWidget(options?: {
  outdir?: string;
  write?: boolean;
}): Promise<{ outdir: string; files: Record<BundleName, BuiltBundle> }>;
export declare function formatSizes(files: Record<BundleName, BuiltBundle>): string;
