import { ANKI_MODELS } from './models'

// Anki's schema 11 (collection.anki2, which every Anki since 2.0 imports), as rslib creates it.
export const SCHEMA_11 = `
create table col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
create table notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
create table cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null,
  left integer not null, odue integer not null, odid integer not null, flags integer not null, data text not null);
create table revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
  type integer not null);
create table graves (usn integer not null, oid integer not null, type integer not null);
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);`

/** The `conf` JSON of a schema-11 collection (Anki's defaults) with this deck current. */
export const legacyConf = (deckId: number, nextPos: number) => ({
  activeDecks: [deckId],
  curDeck: deckId,
  curModel: ANKI_MODELS.basic.id,
  nextPos,
  sortType: 'noteFld',
  sortBackwards: false,
  addToCur: true,
  dueCounts: true,
  estTimes: true,
  newSpread: 0,
  collapseTime: 1200,
  timeLim: 0,
})

/** The `decks` JSON: Anki's Default deck and this one, both with the default options group. */
export function legacyDecks(name: string, deckId: number, mod: number) {
  const deck = (id: number, name: string) => ({
    id,
    name,
    mod,
    usn: -1,
    desc: '',
    dyn: 0,
    conf: 1,
    collapsed: false,
    browserCollapsed: false,
    newToday: [0, 0],
    revToday: [0, 0],
    lrnToday: [0, 0],
    timeToday: [0, 0],
    extendNew: 0,
    extendRev: 0,
  })
  return { 1: deck(1, 'Default'), [deckId]: deck(deckId, name) }
}

/** The `dconf` JSON: Anki's default options group, with the deck's desired retention. */
export const legacyDeckConfig = (desiredRetention: number) => ({
  1: {
    id: 1,
    name: 'Default',
    mod: 0,
    usn: 0,
    maxTaken: 60,
    autoplay: true,
    timer: 0,
    replayq: true,
    dyn: false,
    new: {
      bury: false,
      delays: [1, 10],
      initialFactor: 2500,
      ints: [1, 4, 0],
      order: 1,
      perDay: 20,
    },
    lapse: { delays: [10], leechAction: 1, leechFails: 8, minInt: 1, mult: 0 },
    rev: { bury: false, ease4: 1.3, ivlFct: 1, maxIvl: 36500, perDay: 200, hardFactor: 1.2 },
    desiredRetention,
  },
})
