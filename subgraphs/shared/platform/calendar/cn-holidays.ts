/**
 * The national public holidays and adjusted working days (放假调休) of mainland China, as the State
 * Council's General Office publishes them each November for the next year:
 *   - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12);
 *   - 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, 新华社).
 * Public notices of the Chinese government (not subject to copyright, 著作权法 art. 5). A year that is not
 * listed here has only weekends as days off: add its notice when it is published (`calendarYears`
 * tells the callers which years are known, so they can report a date outside them).
 */
export interface HolidayYear {
  /** Days off that would otherwise be working days (and the weekend days inside a holiday, harmlessly). */
  holidays: readonly string[];
  /** Weekend days that are working days (调休上班). */
  workdays: readonly string[];
  source: string;
}

/** `from`..`to` inclusive, as YYYY-MM-DD strings. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export const CN_HOLIDAYS: Readonly<Record<number, HolidayYear>> = {
  2025: {
    holidays: [
      '2025-01-01',
      ...days('2025-01-28', '2025-02-04'),
      ...days('2025-04-04', '2025-04-06'),
      ...days('2025-05-01', '2025-05-05'),
      ...days('2025-05-31', '2025-06-02'),
      ...days('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
    source: '国办发明电〔2024〕12号',
  },
  2026: {
    holidays: [
      ...days('2026-01-01', '2026-01-03'),
      ...days('2026-02-15', '2026-02-23'),
      ...days('2026-04-04', '2026-04-06'),
      ...days('2026-05-01', '2026-05-05'),
      ...days('2026-06-19', '2026-06-21'),
      ...days('2026-09-25', '2026-09-27'),
      ...days('2026-10-01', '2026-10-07'),
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)',
  },
};
