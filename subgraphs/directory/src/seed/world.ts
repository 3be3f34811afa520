import type { Scale } from '#platform/seed/types.js';

/** The synthetic administrative world: 湖州 for a city; 浙江 with 20 cities for a province. */
export interface CityPlan {
  code: string;
  name: string;
  districts: { code: string; name: string }[];
}

const HUZHOU: CityPlan = {
  code: '330500',
  name: '湖州市',
  districts: [
    { code: '330502', name: '吴兴区' },
    { code: '330503', name: '南浔区' },
    { code: '330521', name: '德清县' },
    { code: '330522', name: '长兴县' },
    { code: '330523', name: '安吉县' },
  ],
};

const ZHEJIANG_CITIES = ['杭州市', '宁波市', '温州市', '嘉兴市', '湖州市', '绍兴市', '金华市', '衢州市', '舟山市', '台州市', '丽水市'];

export const PROVINCE = { code: '330000', name: '浙江省' };

export function plan(scale: Scale): CityPlan[] {
  if (scale === 'city') return [HUZHOU];
  return Array.from({ length: 20 }, (_, i) => {
    const n = i + 1;
    if (n === 5) return HUZHOU;
    const code = `33${String(n).padStart(2, '0')}00`;
    const name = ZHEJIANG_CITIES[i] ?? `示例市${n}`;
    const districts = Array.from({ length: 5 }, (_, d) => ({
      code: `33${String(n).padStart(2, '0')}${String(d + 2).padStart(2, '0')}`,
      name: `${name.replace(/市$/, '')}第${d + 1}区`,
    }));
    return { code, name, districts };
  });
}

/** Per city (docs/architecture.md, "Scale"): 60 hospitals, 30k staff, 500 suppliers, 5k products. A province is 20 cities. */
export const PER_CITY = { hospitals: 60, staff: 30_000, suppliers: 500, products: 5_000 };
