import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '#common/logger.js';
import { makeIdCard, makeUscc } from '#platform/validation/index.js';
import { startStack, type Stack } from './helpers/stack.js';

// Everything the gateway and the subgraphs log, at debug, for the whole file.
const lines: string[] = [];
let stack: Stack;

const hospitalCode = makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 31 });
const idCard = makeIdCard({ regionCode: '330502', birthDate: '19790321', sequence: 456 });
const PHONE = '13987654321';
const NAME = '欧阳娜娜';
const personal = [idCard, PHONE, NAME, '19790321'];

const logged = () => lines.join('\n');

beforeAll(async () => {
  stack = await startStack({ log: createLogger({ level: 'debug', sink: (line) => lines.push(line) }) });
  for (const [code, name] of [
    ['330000', '浙江省'],
    ['330500', '湖州市'],
    ['330502', '吴兴区'],
  ]) {
    expect(
      (await stack.feed('mutation R($i: UpsertRegionInput!) { upsertRegion(input: $i) { code } }', { i: { code, name } })).body.errors,
    ).toBeUndefined();
  }
  const hospital = await stack.feed('mutation H($i: UpsertHospitalInput!) { upsertHospital(input: $i) { code } }', {
    i: { code: hospitalCode, name: '吴兴区人民医院', level: 'LEVEL_2', ownership: 'PUBLIC', type: 'GENERAL', regionCode: '330502' },
  });
  expect(hospital.body.errors).toBeUndefined();
});
afterAll(() => stack?.stop());

describe('personal data never reaches the logs (gateway and subgraphs, debug level)', () => {
  it('a staff upsert with a name, 身份证号 and phone in its variables, accepted and refused', async () => {
    const mutation = 'mutation S($i: UpsertStaffInput!) { upsertStaff(input: $i) { id phone } }';
    const ok = await stack.feed(mutation, {
      i: { hospitalCode, employeeNo: 'E31', name: NAME, idCardNumber: idCard, phone: PHONE, role: 'DOCTOR' },
    });
    expect(ok.body.errors).toBeUndefined();
    const refused = await stack.feed(mutation, {
      i: { hospitalCode, employeeNo: 'E32', name: NAME, idCardNumber: idCard.slice(0, 17), phone: PHONE, role: 'DOCTOR' },
    });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idCardNumber' });
    expect(lines.some((l) => l.includes('"operation failed"'))).toBe(true); // the refusal was logged…
    for (const value of personal) expect(logged()).not.toContain(value); // …without the data
  });

  it('an invalid operation quoting personal literals: the log keeps the detail, not the values', async () => {
    const before = lines.length;
    const res = await stack.feed(
      `mutation { upsertStaff(input: { hospitalCode: "${hospitalCode}", employeeNo: "E33", name: "${NAME}", idCardNumber: "${idCard}", phone: ${PHONE}, role: DOCTOR }) { id } }`,
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const invalid = lines
      .slice(before)
      .map((l) => JSON.parse(l) as { msg: string; errors?: string[] })
      .find((e) => e.msg === 'invalid operation');
    expect(invalid?.errors).toEqual([`String cannot represent a non string value: ${REDACTED}`]);
    for (const value of personal) expect(logged()).not.toContain(value);
  });
});
