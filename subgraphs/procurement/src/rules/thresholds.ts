/**
 * Procurement's threshold table. 'CN-2025.1' — the national defaults (the default version, refined per
 * region by override rows); 'CARDINAL-1' — Cardinal's own defaults (cardinal-rs src/lib.rs `init`, the
 * settings template, and each src/indicators/rNNN.rs `new`), so results can be compared with Cardinal's
 * on the same data. The two differ where Chinese law is stricter (R003) and where the hub refuses a fence
 * of zero spread (`skipWhenIqrZero`: DOMAIN.md "no flag when IQR = 0"; Cardinal has no such guard).
 */
import { z } from 'zod';
import { defineThresholds } from '#platform/rules/thresholds.js';

const count = z.number().int().min(0);
const positive = z.number().int().positive();
const fence = z.number().nullable(); // an explicit fence (Cardinal's `threshold` setting); null → computed from the data
const byCategory = z.object({
  DRUG: z.number(),
  CONSUMABLE: z.number(),
  EQUIPMENT: z.number(),
  CONSTRUCTION: z.number(),
  SERVICE: z.number(),
});

/**
 * 公开招标 is required from 4,000,000 yuan for goods and services (国办发〔2019〕41号 《政府采购限额标准和公开招标数额标准》
 * art. 2) and for construction works from 4,000,000 yuan (《必须招标的工程项目规定》 国家发展改革委令第16号 art. 5; 2,000,000
 * for goods and 1,000,000 for services procured with works — set by region override where they apply). Provinces may set lower figures.
 */
const OPEN_TENDER_REQUIRED = { DRUG: 4_000_000, CONSUMABLE: 4_000_000, EQUIPMENT: 4_000_000, CONSTRUCTION: 4_000_000, SERVICE: 4_000_000 };

const both = <T>(params: T) => ({ 'CN-2025.1': params, 'CARDINAL-1': params });
const guarded = <T extends object>(params: T) => ({
  'CN-2025.1': { ...params, skipWhenIqrZero: true },
  'CARDINAL-1': { ...params, skipWhenIqrZero: false },
});

export const procurementThresholds = defineThresholds({
  defaultVersion: 'CN-2025.1',
  rules: {
    R003: {
      params: z.object({
        /** Days for a process whose method has no entry below; null → not evaluated. */
        thresholdDays: positive.nullable(),
        /** OCDS procurementMethod values evaluated; empty → all. */
        procurementMethods: z.array(z.string()),
        /** Cardinal's `[R003.procurement_method_details]`: days per procurementMethodDetails. */
        byMethodDetails: z.record(z.string(), positive),
        /** Days per 采购方式. */
        byMethod: z.record(z.string(), positive),
      }),
      versions: {
        // 招标投标法 art. 24 (and 政府采购货物和服务招标投标管理办法 财政部令第87号 art. 16): ≥ 20 days from the 招标文件 to the bid
        // deadline, for 公开招标 and 邀请招标; 竞争性磋商 ≥ 10 days (财库〔2014〕214号 art. 10); 竞争性谈判 and 询价 ≥ 3 working
        // days (财政部令第74号 art. 29, 45), taken as 3 calendar days (never flags a lawful period); 单一来源 has no period.
        'CN-2025.1': {
          thresholdDays: null,
          procurementMethods: [],
          byMethodDetails: {},
          byMethod: {
            OPEN_TENDERING: 20,
            INVITED_TENDERING: 20,
            COMPETITIVE_CONSULTATION: 10,
            COMPETITIVE_NEGOTIATION: 3,
            REQUEST_FOR_QUOTATION: 3,
          },
        },
        'CARDINAL-1': { thresholdDays: 15, procurementMethods: [], byMethodDetails: {}, byMethod: {} },
      },
    },
    R018: { params: z.object({ procurementMethods: z.array(z.string()) }), versions: both({ procurementMethods: ['open', 'selective'] }) },
    R024: { params: z.object({ threshold: fence, skipWhenIqrZero: z.boolean() }), versions: guarded({ threshold: null }) },
    R025: {
      params: z.object({ percentile: z.number().int().min(0).max(100), threshold: fence, skipWhenIqrZero: z.boolean() }),
      versions: guarded({ percentile: 75, threshold: null }),
    },
    R028: { params: z.object({}), versions: both({}) },
    R030: { params: z.object({}), versions: both({}) },
    R035: { params: z.object({ threshold: positive }), versions: both({ threshold: 1 }) },
    R036: { params: z.object({}), versions: both({}) },
    R038: {
      params: z.object({
        threshold: fence,
        minimumSubmittedBids: count,
        minimumContractingProcesses: count,
        /** What a buyer's minimum counts: Cardinal's source compares it with the buyer's submitted bids; its docs say processes. */
        buyerMinimumCounts: z.enum(['submittedBids', 'processes']),
        skipWhenIqrZero: z.boolean(),
      }),
      versions: {
        'CN-2025.1': {
          threshold: null,
          minimumSubmittedBids: 2,
          minimumContractingProcesses: 2,
          buyerMinimumCounts: 'processes',
          skipWhenIqrZero: true,
        },
        'CARDINAL-1': {
          threshold: null,
          minimumSubmittedBids: 2,
          minimumContractingProcesses: 2,
          buyerMinimumCounts: 'submittedBids',
          skipWhenIqrZero: false,
        },
      },
    },
    R044: {
      params: z.object({ fields: z.array(z.enum(['address', 'telephone', 'email', 'contactName'])).min(1) }),
      versions: { 'CN-2025.1': { fields: ['address', 'telephone', 'email'] } },
    },
    R048: {
      params: z.object({ digits: positive, threshold: fence, minimumContractingProcesses: count, skipWhenIqrZero: z.boolean() }),
      versions: guarded({ digits: 2, threshold: null, minimumContractingProcesses: 20 }),
    },
    R055: {
      params: z.object({ ocdsMethods: z.array(z.string()).min(1), windowDays: positive, thresholdByCategory: byCategory }),
      versions: { 'CN-2025.1': { ocdsMethods: ['direct', 'limited'], windowDays: 365, thresholdByCategory: OPEN_TENDER_REQUIRED } },
    },
    R058: { params: z.object({ threshold: fence, skipWhenIqrZero: z.boolean() }), versions: guarded({ threshold: null }) },
    PROC_AWARD_AT_BUDGET: { params: z.object({ ratio: z.number().positive() }), versions: { 'CN-2025.1': { ratio: 1 } } },
    PROC_DECISION_PERIOD: {
      params: z.object({ minDays: count, maxDays: positive }),
      versions: { 'CN-2025.1': { minDays: 5, maxDays: 100 } },
    },
    PROC_NEW_SUPPLIER: { params: z.object({ minAgeDays: positive }), versions: { 'CN-2025.1': { minAgeDays: 365 } } },
    PROC_ABOVE_LISTED_PRICE: { params: z.object({ tolerance: z.number().min(0) }), versions: { 'CN-2025.1': { tolerance: 0 } } },
    PROC_VBP_SUBSTITUTION: { params: z.object({ minLines: positive }), versions: { 'CN-2025.1': { minLines: 1 } } },
    PROC_VBP_SHORTFALL: { params: z.object({ minCompletion: z.number().positive() }), versions: { 'CN-2025.1': { minCompletion: 1 } } },
    PROC_METHOD_THRESHOLD: {
      params: z.object({ methods: z.array(z.string()).min(1), thresholdByCategory: byCategory }),
      versions: { 'CN-2025.1': { methods: ['SINGLE_SOURCE', 'REQUEST_FOR_QUOTATION'], thresholdByCategory: OPEN_TENDER_REQUIRED } },
    },
    PROC_SANCTIONED_SUPPLIER: { params: z.object({ kinds: z.array(z.string()) }), versions: { 'CN-2025.1': { kinds: [] } } },
    PROC_INVOICE_CHAIN: {
      params: z.object({ maxInvoices: positive, productKinds: z.array(z.string()) }),
      versions: { 'CN-2025.1': { maxInvoices: 2, productKinds: [] } },
    },
    PROC_COMMITTEE_REPEAT: {
      params: z.object({ minTenders: z.number().int().min(2), windowDays: positive }),
      versions: { 'CN-2025.1': { minTenders: 3, windowDays: 365 } },
    },
    PROC_BID_ROTATION: {
      params: z.object({
        minTenders: z.number().int().min(2),
        maxGroupSize: z.number().int().min(2),
        minDistinctWinners: z.number().int().min(2),
        maxWinShare: z.number().positive().max(1),
      }),
      versions: { 'CN-2025.1': { minTenders: 4, maxGroupSize: 4, minDistinctWinners: 2, maxWinShare: 0.6 } },
    },
  },
});

export type ProcurementThresholds = typeof procurementThresholds;
