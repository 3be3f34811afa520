import { randomUUID } from 'node:crypto';
import type { PrismaClient as DirectoryClient } from './__generated__/prisma/client.js';
import type { Department, Hospital, Product, Region, Staff, Supplier } from './__generated__/prisma/client.js';
import type {
  UpsertDepartmentInput,
  UpsertHospitalInput,
  UpsertProductInput,
  UpsertRegionInput,
  UpsertStaffInput,
  UpsertSupplierInput,
} from './__generated__/resolvers-types.js';
import { appError, badInput } from '#common/errors.js';
import { inScope, regionInScope, type RowScope } from '#platform/access/scope.js';
import { assertUuid } from '#platform/ids.js';
import { intInRange, oneOf, optionalText, text } from '#platform/input.js';
import {
  assertValid,
  isWithin,
  parentRegionCode,
  regionLevel,
  validateIdCard,
  validatePhone,
  validateProductCode,
  validateRegionCode,
  validateUscc,
} from '#platform/validation/index.js';

const GRADES = ['甲', '乙', '丙', '特'] as const;
const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
const SPECIALTY = /^[A-Z][A-Z0-9_]{1,39}$/;

/**
 * Writes of the directory. Every input is validated in full before anything is written, and each
 * upsert is a single statement — a rejected input leaves no partial state. Existence of referenced
 * rows is checked up front so the error names the field instead of surfacing a foreign-key code.
 */
export function createUpserts(db: DirectoryClient, scope: RowScope) {
  const mustExist = async <T>(field: string, found: Promise<T | null>, what: string, key: string): Promise<T> => {
    const row = await found;
    if (!row) throw badInput(field, `${what} ${key} does not exist`);
    return row;
  };
  /** Writes stay inside the caller's scope: a hospital officer's own hospital, a feed's region. */
  const mustBeInScope = (field: string, hospital: { code: string; regionCode: string }) => {
    if (!inScope(scope, hospital)) throw appError('FORBIDDEN', `${field} ${hospital.code} is outside your scope`, { field });
  };

  return {
    async upsertRegion(input: UpsertRegionInput): Promise<Region> {
      const code = assertValid('input.code', validateRegionCode(input.code));
      const name = text('input.name', input.name, 100);
      const level = regionLevel(code);
      if (!regionInScope(scope, code)) throw appError('FORBIDDEN', `input.code ${code} is outside your region`, { field: 'input.code' });
      const parentCode = input.parentCode ? assertValid('input.parentCode', validateRegionCode(input.parentCode)) : parentRegionCode(code);
      if (parentCode && (parentCode === code || !isWithin(code, parentCode))) {
        throw badInput('input.parentCode', `input.parentCode ${parentCode} is not an ancestor of ${code} under GB/T 2260`);
      }
      const parent = parentCode ? await db.region.findUnique({ where: { code: parentCode } }) : null;
      if (parentCode && !parent) throw badInput('input.parentCode', `parent region ${parentCode} does not exist`);
      const path = parent ? `${parent.path}/${code}` : code;
      return db.region.upsert({
        where: { code },
        create: { code, name, level, parentCode, path },
        update: { name, level, parentCode, path },
      });
    },

    async upsertHospital(input: UpsertHospitalInput): Promise<Hospital> {
      const data = {
        code: assertValid('input.code', validateUscc(input.code)),
        name: text('input.name', input.name, 200),
        level: input.level,
        grade: oneOf('input.grade', input.grade, GRADES),
        ownership: input.ownership,
        type: input.type,
        regionCode: assertValid('input.regionCode', validateRegionCode(input.regionCode)),
        address: optionalText('input.address', input.address, 300),
        bedCount: intInRange('input.bedCount', input.bedCount, 0, 100_000),
      };
      mustBeInScope('input.code', data);
      await mustExist('input.regionCode', db.region.findUnique({ where: { code: data.regionCode } }), 'region', data.regionCode);
      // Neither may a hospital outside the scope be taken over by moving it into the scope.
      const existing = await db.hospital.findUnique({ where: { code: data.code } });
      if (existing) mustBeInScope('input.code', existing);
      const { code, ...update } = data;
      return db.hospital.upsert({ where: { code }, create: data, update });
    },

    async upsertDepartment(input: UpsertDepartmentInput): Promise<Department> {
      const id = input.id ? assertUuid('input.id', input.id) : randomUUID();
      const hospitalCode = assertValid('input.hospitalCode', validateUscc(input.hospitalCode));
      const name = text('input.name', input.name, 100);
      const specialty = input.specialty.trim().toUpperCase();
      if (!SPECIALTY.test(specialty)) throw badInput('input.specialty', 'input.specialty must be a code like CARDIOLOGY');
      mustBeInScope(
        'input.hospitalCode',
        await mustExist('input.hospitalCode', db.hospital.findUnique({ where: { code: hospitalCode } }), 'hospital', hospitalCode),
      );
      const existing = input.id ? await db.department.findUnique({ where: { id } }) : null;
      if (existing && existing.hospitalCode !== hospitalCode)
        throw badInput('input.hospitalCode', 'a department cannot move to another hospital');
      return db.department.upsert({ where: { id }, create: { id, hospitalCode, name, specialty }, update: { name, specialty } });
    },

    async upsertStaff(input: UpsertStaffInput): Promise<Staff> {
      const id = input.id ? assertUuid('input.id', input.id) : randomUUID();
      const hospitalCode = assertValid('input.hospitalCode', validateUscc(input.hospitalCode));
      const departmentId = input.departmentId ? assertUuid('input.departmentId', input.departmentId) : null;
      const data = {
        hospitalCode,
        departmentId,
        employeeNo: text('input.employeeNo', input.employeeNo, 40),
        name: text('input.name', input.name, 60),
        idCardNumber: assertValid('input.idCardNumber', validateIdCard(input.idCardNumber)),
        phone: input.phone ? assertValid('input.phone', validatePhone(input.phone)) : null,
        role: input.role,
        title: optionalText('input.title', input.title, 60),
      };
      mustBeInScope(
        'input.hospitalCode',
        await mustExist('input.hospitalCode', db.hospital.findUnique({ where: { code: hospitalCode } }), 'hospital', hospitalCode),
      );
      const existing = input.id ? await db.staff.findUnique({ where: { id } }) : null;
      if (existing && existing.hospitalCode !== hospitalCode) {
        // Moving someone between hospitals: the one they leave must be in scope too.
        const from = await db.hospital.findUnique({ where: { code: existing.hospitalCode } });
        if (from) mustBeInScope('input.id', from);
      }
      if (departmentId) {
        const department = await db.department.findUnique({ where: { id: departmentId } });
        if (!department || department.hospitalCode !== hospitalCode) {
          throw badInput('input.departmentId', `department ${departmentId} does not exist in hospital ${hospitalCode}`);
        }
      }
      return db.staff.upsert({ where: { id }, create: { id, ...data }, update: data });
    },

    async upsertSupplier(input: UpsertSupplierInput): Promise<Supplier> {
      const data = {
        uscc: assertValid('input.uscc', validateUscc(input.uscc)),
        name: text('input.name', input.name, 200),
        kind: input.kind,
        creditRating: oneOf('input.creditRating', input.creditRating, CREDIT_RATINGS),
        regionCode: input.regionCode ? assertValid('input.regionCode', validateRegionCode(input.regionCode)) : null,
        registeredOn: input.registeredOn ? isoDate('input.registeredOn', input.registeredOn) : null,
      };
      if (data.regionCode)
        await mustExist('input.regionCode', db.region.findUnique({ where: { code: data.regionCode } }), 'region', data.regionCode);
      const { uscc, ...update } = data;
      return db.supplier.upsert({ where: { uscc }, create: data, update });
    },

    async upsertProduct(input: UpsertProductInput): Promise<Product> {
      const listedPrice = input.listedPrice ?? null;
      if (listedPrice !== null && Number(listedPrice) < 0) throw badInput('input.listedPrice', 'input.listedPrice must not be negative');
      const data = {
        code: assertValid('input.code', validateProductCode(input.code, input.kind)),
        name: text('input.name', input.name, 200),
        kind: input.kind,
        specification: optionalText('input.specification', input.specification, 200),
        supplierUscc: assertValid('input.supplierUscc', validateUscc(input.supplierUscc)),
        vbpSelected: input.vbpSelected,
        listedPrice,
      };
      await mustExist('input.supplierUscc', db.supplier.findUnique({ where: { uscc: data.supplierUscc } }), 'supplier', data.supplierUscc);
      const { code, ...update } = data;
      return db.product.upsert({ where: { code }, create: data, update });
    },
  };
}

export type Upserts = ReturnType<typeof createUpserts>;

/** A calendar date `YYYY-MM-DD` (UTC midnight, as PostgreSQL `date` reads it), or BAD_USER_INPUT naming the field. */
function isoDate(field: string, value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badInput(field, `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return date;
}
