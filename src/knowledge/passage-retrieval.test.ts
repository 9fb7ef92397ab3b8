/**
 * Retrieval quality over a fixed corpus: each question's expected passage must be in the top 3 for at
 * least 90 % of the questions. Questions are worded as visitors ask, not copied from the passages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { chatbots, knowledgeSources, workspaces } from '../db/schema.js';
import { updateKnowledgeSettings } from './knowledge-settings.js';
import { storePassages } from './passage-store.js';
import { retrievePassages } from './passage-retrieval.js';

const corpus: Record<string, { heading: string; content: string }> = {
  delivery: {
    heading: 'Delivery',
    content:
      'Orders placed before 2 pm on a working day leave our Leeds warehouse the same day. Most parcels arrive the next working day with a tracked courier.',
  },
  europe: {
    heading: 'Delivery › Europe',
    content:
      'Parcels to the European Union take three to five working days. Customs duties are included in the checkout price.',
  },
  deliveryCost: {
    heading: 'Delivery › Costs',
    content: 'Delivery is free on orders over 40 pounds; smaller orders pay a flat charge of 3.95 pounds.',
  },
  returns: {
    heading: 'Returns',
    content:
      'Unused items may be returned within 30 days of delivery for a full refund. Use the prepaid label in the box.',
  },
  refunds: {
    heading: 'Returns › Refunds',
    content:
      'Refunds reach the original card within 5 business days after the returned parcel arrives at the warehouse.',
  },
  warranty: {
    heading: 'Warranty',
    content:
      'Every kettle carries a two-year warranty against defects in the heating element and the thermostat.',
  },
  descaling: {
    heading: 'Care › Descaling',
    content: 'Descale the kettle once a month with citric acid: limescale makes it noisy and slow to boil.',
  },
  toaster: {
    heading: 'Toasters',
    content:
      'Our toasters have four slots, a defrost setting and a removable crumb tray that goes in the dishwasher.',
  },
  hours: {
    heading: 'Showroom › Opening hours',
    content:
      'The Leeds showroom is open Monday to Saturday from 9 am to 6 pm, and Sunday from 11 am to 4 pm.',
  },
  parking: {
    heading: 'Showroom › Parking',
    content: 'Customers park for free behind the building; the car park entrance is on Mill Lane.',
  },
  payment: {
    heading: 'Payment',
    content:
      'We accept Visa, Mastercard, American Express, PayPal and Apple Pay. Cash is accepted in the showroom.',
  },
  giftCards: {
    heading: 'Gift cards',
    content:
      'Gift cards from 10 to 200 pounds are sent by email and stay valid for two years after purchase.',
  },
  business: {
    heading: 'Business orders',
    content:
      'Offices ordering ten or more kettles get a 15 percent discount and a VAT invoice. Contact sales@brightkettle.example.',
  },
  voltage: {
    heading: 'Kettles › Power',
    content:
      'Our kettles run on 220 to 240 volts and draw 3 kilowatts; they are not made for 110 volt sockets in the USA.',
  },
};

const questions: Array<[question: string, expected: keyof typeof corpus]> = [
  ['How long does shipping to Germany take? Is it part of the European Union delivery?', 'europe'],
  ['Do I pay customs duties when my parcel arrives?', 'europe'],
  ['How much does delivery cost for a small order?', 'deliveryCost'],
  ['Can I return a kettle I did not use?', 'returns'],
  ['When will I get my refund on my card?', 'refunds'],
  ['What does the warranty cover?', 'warranty'],
  ['My kettle is noisy, how do I get rid of limescale?', 'descaling'],
  ['Does the toaster crumb tray go in the dishwasher?', 'toaster'],
  ['What time does the showroom open on Sunday?', 'hours'],
  ['Where can I park when I visit?', 'parking'],
  ['Can I pay with PayPal?', 'payment'],
  ['How long are gift cards valid?', 'giftCards'],
  ['Is there a discount if our office orders kettles?', 'business'],
  ['Will the kettle work in the USA on 110 volts?', 'voltage'],
  ['If I order before 2 pm, when does it arrive?', 'delivery'],
];

let database: TestDatabase;
let chatbotId: string;
const sourceOf: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const workspaceId = randomUUID();
  chatbotId = randomUUID();
  await db.insert(workspaces).values({ id: workspaceId, name: 'Brightkettle' });
  await db
    .insert(chatbots)
    .values({ id: chatbotId, workspaceId, publicId: `cb_${randomUUID().slice(0, 22)}`, name: 'Help' });
  for (const [key, passage] of Object.entries(corpus)) {
    const id = randomUUID();
    sourceOf[id] = key;
    await db.insert(knowledgeSources).values({
      id,
      workspaceId,
      chatbotId,
      kind: 'text',
      title: passage.heading,
      content: passage.content,
      status: 'indexing',
    });
    await storePassages(db, { id, workspaceId, chatbotId, generation: 1 }, passage.heading, [
      { location: '', heading: passage.heading, content: `${passage.heading}\n\n${passage.content}` },
    ]);
  }
});
afterAll(() => database.dispose());

describe('retrievePassages', () => {
  it('puts the expected passage in the top 3 for at least 90 % of the questions', async () => {
    const misses: string[] = [];
    for (const [question, expected] of questions) {
      const found = await retrievePassages(database.db, chatbotId, question, {
        maxPassages: 3,
        maxCharacters: 10_000,
      });
      if (!found.some((passage) => sourceOf[passage.sourceId] === expected)) misses.push(question);
    }
    expect(misses.length / questions.length, `missed: ${misses.join(' | ')}`).toBeLessThanOrEqual(0.1);
  });

  it('returns nothing for a question without any known word, and keeps to the character budget', async () => {
    expect(await retrievePassages(database.db, chatbotId, 'the and of')).toEqual([]);
    expect(await retrievePassages(database.db, chatbotId, "'\\ & | ! :*")).toEqual([]);
    const budgeted = await retrievePassages(database.db, chatbotId, 'kettle delivery showroom refund', {
      maxPassages: 10,
      maxCharacters: 300,
    });
    expect(budgeted.length).toBeGreaterThan(0);
    expect(budgeted.reduce((total, passage) => total + passage.content.length, 0)).toBeLessThanOrEqual(300);
  });

  it('searches in the chatbot’s language, rebuilt when it changes', async () => {
    const [workspace] = await database.db.select().from(workspaces).limit(1);
    // English stems "parking" and "park" alike; the simple configuration does not.
    expect((await retrievePassages(database.db, chatbotId, 'parking')).length).toBeGreaterThan(0);
    await updateKnowledgeSettings(database.db, workspace!.id, chatbotId, { language: 'simple' });
    const simple = await retrievePassages(database.db, chatbotId, 'parking');
    expect(simple.map((passage) => sourceOf[passage.sourceId])).toEqual(['parking']);
    expect(await retrievePassages(database.db, chatbotId, 'parks')).toEqual([]);
    await updateKnowledgeSettings(database.db, workspace!.id, chatbotId, { language: 'english' });
    expect((await retrievePassages(database.db, chatbotId, 'parks')).length).toBeGreaterThan(0);
  });
});
