// Writes the binary extraction fixtures of src/knowledge/fixtures (a PDF of three pages and a DOCX) with
// pdf-lib and docx, so the files in the repository can be rebuilt and checked: `node scripts/generate-knowledge-fixtures.mjs`.
import { writeFile } from 'node:fs/promises';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const folder = new URL('../src/knowledge/fixtures/', import.meta.url);

const pdfPages = [
  ['Returns policy', 'Unused kettles may be returned within 30 days of delivery for a full refund.'],
  ['Refund timing', 'Refunds reach the original card within 5 business days after the parcel arrives.'],
  ['Damaged items', 'Send a photo of a damaged toaster to care@example.com and we ship a replacement.'],
];

const pdf = await PDFDocument.create();
pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'));
pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'));
const font = await pdf.embedFont(StandardFonts.Helvetica);
for (const [heading, text] of pdfPages) {
  const page = pdf.addPage([420, 300]);
  page.drawText(heading, { x: 30, y: 250, size: 16, font });
  page.drawText(text, { x: 30, y: 220, size: 9, font });
}
await writeFile(new URL('returns-policy.pdf', folder), await pdf.save({ useObjectStreams: true }));

const docx = new Document({
  creator: 'BestAI',
  sections: [
    {
      children: [
        new Paragraph({ text: 'Warranty', heading: HeadingLevel.HEADING_1 }),
        new Paragraph(
          'Every Brightkettle carries a two-year warranty against defects in the heating element.',
        ),
        new Paragraph({ text: 'How to claim', heading: HeadingLevel.HEADING_2 }),
        new Paragraph('Claims need the order number and a short description of the fault.'),
      ],
    },
  ],
});
await writeFile(new URL('warranty.docx', folder), await Packer.toBuffer(docx));
