import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('CSV', () => {
  it('writes a header and quotes commas, quotes and line breaks', () => {
    expect(toCsv(['name', 'costUsd'], [{ name: 'Shop, "main"\nbot', costUsd: '0.000412' }])).toBe(
      'name,costUsd\r\n"Shop, ""main""\nbot",0.000412\r\n',
    );
  });

  it.each([
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
  ])('keeps a spreadsheet from running %j as a formula', (value, cell) => {
    expect(toCsv(['name'], [{ name: value }])).toBe(`name\r\n${cell}\r\n`);
  });

  it('leaves numbers, negative numbers and empty values as they are', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [{ a: 12, b: '-0.5', c: null, d: undefined }])).toBe(
      'a,b,c,d\r\n12,-0.5,,\r\n',
    );
  });
});
