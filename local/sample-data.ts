/*
 * The sample's district and communes, fields and procedures (shaped after the seed report's district:
 * land far worse than the rest), and the names its citizens are drawn from.
 */

/** One procedure the sample uses: its field, code (absent: counted with the field default) and name. */
export interface SampleProcedure {
  field: string;
  code?: string;
  name: string;
}

/** A field of the seed report's annex: its procedures, dossiers per year, online share and late share. */
export interface SampleField {
  field: string;
  level: 'district' | 'commune';
  perYear: number;
  online: number;
  late: number;
  procedures: SampleProcedure[];
}

export const LAND = 'Đất đai';
/**
 * Shaped after the Krông Pa figures (the district council's supervision report): 2,345 dossiers in 2022 with 607 online
 * (here 2,367: 2,117 district, 250 at three communes); land 855 received, 494 overdue (58%); district
 * overall 702 of 4,061 overdue over two years; commune dossiers 2,722 overdue of 37,795 (7%).
 */
export const SAMPLE_FIELDS: SampleField[] = [
  {
    field: LAND,
    level: 'district',
    perYear: 855,
    online: 0.05,
    late: 0.58,
    procedures: [
      {
        field: LAND,
        code: '1.013831',
        name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
      },
      { field: LAND, code: '1.012784', name: 'Tách thửa hoặc hợp thửa đất' },
      {
        field: LAND,
        code: '1.012783',
        name: 'Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
      },
      { field: LAND, code: '1.012786', name: 'Cấp lại Giấy chứng nhận do bị mất' },
    ],
  },
  {
    field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
    level: 'district',
    perYear: 420,
    online: 0.55,
    late: 0.06,
    procedures: [
      {
        field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
        code: '1.001612',
        name: 'Đăng ký thành lập hộ kinh doanh',
      },
      {
        field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
        code: '2.000720',
        name: 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh',
      },
    ],
  },
  {
    field: 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
    level: 'district',
    perYear: 24,
    online: 0.3,
    late: 0.05,
    procedures: [
      {
        field: 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
        code: '1.005280',
        name: 'Đăng ký thành lập hợp tác xã',
      },
    ],
  },
  {
    field: 'Bảo trợ xã hội',
    level: 'district',
    perYear: 310,
    online: 0.1,
    late: 0.12,
    procedures: [{ field: 'Bảo trợ xã hội', name: 'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng' }],
  },
  {
    field: 'Quản lý hoạt động xây dựng',
    level: 'district',
    perYear: 190,
    online: 0.35,
    late: 0.1,
    procedures: [
      { field: 'Quản lý hoạt động xây dựng', code: '1.013225', name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ' },
    ],
  },
  {
    field: 'Giáo dục',
    level: 'district',
    perYear: 95,
    online: 0.2,
    late: 0.03,
    procedures: [{ field: 'Giáo dục', name: 'Chuyển trường đối với học sinh trung học cơ sở' }],
  },
  {
    field: 'An toàn thực phẩm',
    level: 'district',
    perYear: 45,
    online: 0.4,
    late: 0.08,
    procedures: [
      {
        field: 'An toàn thực phẩm',
        code: '2.001827',
        name: 'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm',
      },
    ],
  },
  {
    field: 'Thi đua – khen thưởng',
    level: 'district',
    perYear: 70,
    online: 0.05,
    late: 0.15,
    procedures: [{ field: 'Thi đua – khen thưởng', name: 'Tặng Giấy khen của Chủ tịch UBND cấp huyện' }],
  },
  {
    field: 'Lưu thông hàng hóa trong nước',
    level: 'district',
    perYear: 48,
    online: 0.45,
    late: 0.05,
    procedures: [{ field: 'Lưu thông hàng hóa trong nước', code: '2.000620', name: 'Cấp Giấy phép bán lẻ rượu' }],
  },
  {
    field: 'Người có công',
    level: 'district',
    perYear: 60,
    online: 0.05,
    late: 0.1,
    procedures: [{ field: 'Người có công', name: 'Giải quyết chế độ trợ cấp thờ cúng liệt sĩ' }],
  },
  {
    field: 'Hộ tịch',
    level: 'commune',
    perYear: 150,
    online: 0.3,
    late: 0.05,
    procedures: [
      { field: 'Hộ tịch', code: '1.001193', name: 'Thủ tục đăng ký khai sinh' },
      { field: 'Hộ tịch', code: '1.000894', name: 'Thủ tục đăng ký kết hôn' },
      { field: 'Hộ tịch', code: '1.004873', name: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân' },
    ],
  },
  {
    field: 'Chứng thực',
    level: 'commune',
    perYear: 100,
    online: 0.1,
    late: 0.03,
    procedures: [
      { field: 'Chứng thực', code: '2.000815', name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản' },
      {
        field: 'Chứng thực',
        code: '2.001035',
        name: 'Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở',
      },
    ],
  },
];

export const DISTRICT = {
  id: 'H21.65',
  name: 'UBND huyện Krông Pa',
  parentName: 'UBND tỉnh Gia Lai',
  place: 'Krông Pa',
};
export const COMMUNES = [
  { id: 'H21.65.01', name: 'UBND xã Ia Rmok', parentName: 'UBND huyện Krông Pa', place: 'Ia Rmok' },
  { id: 'H21.65.02', name: 'UBND xã Chư Gu', parentName: 'UBND huyện Krông Pa', place: 'Chư Gu' },
  { id: 'H21.65.03', name: 'UBND thị trấn Phú Túc', parentName: 'UBND huyện Krông Pa', place: 'Phú Túc' },
];
export const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Ksor', 'Rơ Chăm', 'Siu', 'Rah Lan', 'Phạm', 'Hoàng', 'Nay'];
export const GIVEN = [
  'Văn An',
  'Thị Hoa',
  "H'Bia",
  'Minh',
  'Thị Lan',
  'Văn Hùng',
  "H'Nhi",
  'Đức Thắng',
  'Thị Mai',
  'Y Dơk',
];
