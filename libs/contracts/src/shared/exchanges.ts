/** The two topic exchanges of docs/contract.md; every message name routes to exactly one of them. */
export const RAW_EXCHANGE = 'newsflow.raw';
export const PROCESSED_EXCHANGE = 'newsflow.processed';
export type ExchangeName = typeof RAW_EXCHANGE | typeof PROCESSED_EXCHANGE;
