/** Specialties with their usual department names (同专业 peer comparison uses the code). */
export const SPECIALTIES: readonly (readonly [code: string, name: string])[] = [
  ['INTERNAL_MEDICINE', '内科'], ['CARDIOLOGY', '心血管内科'], ['RESPIRATORY', '呼吸内科'],
  ['GASTROENTEROLOGY', '消化内科'], ['NEUROLOGY', '神经内科'], ['ENDOCRINOLOGY', '内分泌科'],
  ['NEPHROLOGY', '肾内科'], ['HEMATOLOGY', '血液内科'], ['ONCOLOGY', '肿瘤科'], ['GENERAL_SURGERY', '普外科'],
  ['ORTHOPEDICS', '骨科'], ['NEUROSURGERY', '神经外科'], ['UROLOGY', '泌尿外科'], ['CARDIOTHORACIC', '心胸外科'],
  ['OBSTETRICS_GYNECOLOGY', '妇产科'], ['PEDIATRICS', '儿科'], ['OPHTHALMOLOGY', '眼科'], ['ENT', '耳鼻咽喉科'],
  ['STOMATOLOGY', '口腔科'], ['DERMATOLOGY', '皮肤科'], ['EMERGENCY', '急诊科'], ['ICU', '重症医学科'],
  ['ANESTHESIOLOGY', '麻醉科'], ['RADIOLOGY', '放射科'], ['LABORATORY', '检验科'], ['PHARMACY', '药剂科'],
  ['TCM', '中医科'], ['REHABILITATION', '康复医学科'], ['INFECTIOUS', '感染科'], ['PSYCHIATRY', '精神科'],
  ['PATHOLOGY', '病理科'], ['GENERAL_PRACTICE', '全科医学科'],
];

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '沈', '钱', '姚', '欧阳', '司马', '诸葛'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '建', '国', '文', '红', '玉', '晨', '浩', '宇', '欣', '怡', '佳', '嘉'];

export const TITLES: Record<string, readonly string[]> = {
  DOCTOR: ['住院医师', '主治医师', '副主任医师', '主任医师'],
  NURSE: ['护士', '护师', '主管护师', '副主任护师'],
  PHARMACIST: ['药士', '药师', '主管药师', '副主任药师'],
  TECHNICIAN: ['技士', '技师', '主管技师'],
  ADMIN: ['科员', '科长'],
  LEADER: ['院长', '副院长', '党委书记'],
};

export const COMPANY_WORDS = ['华康', '瑞达', '恒生', '济民', '康泰', '仁和', '天元', '永安', '中科', '海正', '新华', '嘉禾', '博源', '安信', '百草', '长江', '东方', '金陵', '普济', '润达'];
export const COMPANY_SUFFIX: Record<string, string> = {
  PHARMA: '医药有限公司', DEVICE: '医疗器械有限公司', CONSUMABLE: '医用耗材有限公司', CONSTRUCTION: '建设工程有限公司', SERVICE: '医疗服务有限公司',
};

export const DRUGS: readonly (readonly [atc: string, initial: string, name: string])[] = [
  ['A10BA', 'E', '二甲双胍'], ['C09CA', 'X', '缬沙坦'], ['C10AA', 'A', '阿托伐他汀'], ['J01DD', 'T', '头孢曲松'],
  ['J01CA', 'A', '阿莫西林'], ['N02BE', 'D', '对乙酰氨基酚'], ['A02BC', 'A', '奥美拉唑'], ['B01AC', 'A', '阿司匹林'],
  ['C08CA', 'A', '氨氯地平'], ['R03AC', 'S', '沙丁胺醇'], ['L01XE', 'Y', '伊马替尼'], ['J01MA', 'L', '左氧氟沙星'],
];
export const CONSUMABLES = ['一次性使用无菌注射器', '医用外科口罩', '骨科内固定钢板', '冠脉药物洗脱支架', '人工髋关节', '一次性输液器', '吻合器', '人工晶状体'];
