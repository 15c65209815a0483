// The demo's catalog: 300 synthetic news stories, written for the demo, in English and German.
// Public item data only: a title, a topic and a source (the features), an embedding and a
// popularity baseline. Generated the same way on every load, so ids, titles and the sample
// personas in manifest.json agree.

/** Topics, in the order of their embedding dimensions. Item i has topic TOPICS[i % 6]. */
export const TOPICS = ["science", "space", "sports", "culture", "world", "health"];
/** Sources: the catalog groups the fairness audit looks at. */
export const SOURCES = ["wire", "local", "magazine"];

// Ten running stories per topic; stories on the same subject are close in the embedding.
const SUBJECTS = {
  science: [["coral reefs", "Korallenriffe"], ["ancient DNA", "alte DNA"], ["bird migration", "Vogelzug"], ["battery chemistry", "Batteriechemie"], ["volcanoes", "Vulkane"], ["bees", "Bienen"], ["deep-sea life", "Tiefseeleben"], ["glaciers", "Gletscher"], ["quantum sensors", "Quantensensoren"], ["fossil forests", "fossile Wälder"]],
  space: [["the Moon base", "die Mondbasis"], ["Mars samples", "Marsproben"], ["a comet flyby", "einen Kometenvorbeiflug"], ["the space telescope", "das Weltraumteleskop"], ["solar storms", "Sonnenstürme"], ["a new exoplanet", "einen neuen Exoplaneten"], ["satellite debris", "Weltraumschrott"], ["the rocket test", "den Raketentest"], ["Jupiter's moons", "die Jupitermonde"], ["the space station", "die Raumstation"]],
  sports: [["the city marathon", "den Stadtmarathon"], ["the cup final", "das Pokalfinale"], ["the cycling tour", "die Radrundfahrt"], ["women's football", "den Frauenfußball"], ["the swimming finals", "die Schwimmfinals"], ["the chess open", "das Schachturnier"], ["the youth league", "die Jugendliga"], ["the ski season", "die Skisaison"], ["the tennis open", "das Tennisturnier"], ["the rowing regatta", "die Ruderregatta"]],
  culture: [["the film festival", "das Filmfestival"], ["a new opera", "eine neue Oper"], ["the book prize", "den Buchpreis"], ["street art", "Straßenkunst"], ["the jazz week", "die Jazzwoche"], ["a museum reopening", "eine Museumseröffnung"], ["the theatre season", "die Theatersaison"], ["a photography show", "eine Fotoausstellung"], ["video games", "Videospiele"], ["the poetry slam", "den Poetry Slam"]],
  world: [["the climate talks", "die Klimaverhandlungen"], ["the trade summit", "den Handelsgipfel"], ["the river treaty", "den Flussvertrag"], ["election day", "den Wahltag"], ["the grain harvest", "die Getreideernte"], ["the refugee response", "die Flüchtlingshilfe"], ["the ceasefire", "die Waffenruhe"], ["the new rail link", "die neue Bahnverbindung"], ["the water crisis", "die Wasserkrise"], ["the youth protests", "die Jugendproteste"]],
  health: [["sleep", "Schlaf"], ["the flu season", "die Grippesaison"], ["heart health", "Herzgesundheit"], ["running injuries", "Laufverletzungen"], ["allergies", "Allergien"], ["screen time", "Bildschirmzeit"], ["nutrition myths", "Ernährungsmythen"], ["back pain", "Rückenschmerzen"], ["vaccines", "Impfungen"], ["mental health", "psychische Gesundheit"]],
};

// Five headline patterns; {s} is the subject.
const HEADLINES = [
  ["What we learned this week about {s}", "Was wir diese Woche über {s} gelernt haben"],
  ["Five questions on {s}, answered", "Fünf Fragen zu {s}, beantwortet"],
  ["A closer look at {s}", "Ein genauerer Blick auf {s}"],
  ["Why everyone is talking about {s}", "Warum alle über {s} sprechen"],
  ["The surprising story behind {s}", "Die überraschende Geschichte hinter {s}"],
];

const DIM = TOPICS.length + 10;

// A small deterministic generator (mulberry32), so every load builds the same catalog.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The stories: `{ id, topic, source, subject, about: { en, de } (the subject in words), title:
 * { en, de }, features, embedding, baseline, group }`; `features`, `embedding`, `baseline` and `group` are what optin ranks.
 */
export function newsCatalog(count = 300) {
  const next = random(20261124);
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length];
    const subject = Math.floor(i / TOPICS.length) % 10;
    const pattern = (subject + Math.floor(i / (TOPICS.length * 10))) % HEADLINES.length;
    const roll = next();
    const source = roll < 0.45 ? "wire" : roll < 0.75 ? "local" : "magazine";
    const [en, de] = SUBJECTS[topic][subject];
    const title = {
      en: capitalize(HEADLINES[pattern][0].replace("{s}", en)),
      de: capitalize(HEADLINES[pattern][1].replace("{s}", de)),
    };
    // Topic first, then the running story, then a little noise.
    const embedding = Array.from({ length: DIM }, () => (next() - 0.5) * 0.1);
    embedding[TOPICS.indexOf(topic)] += 1;
    embedding[TOPICS.length + subject] += 0.7;
    // The news agency gets a few more clicks than the local desk and the magazine (not so many
    // that its stories fill the front page); newer stories (higher i) are more popular.
    const reach = source === "wire" ? 1.15 : source === "local" ? 1.05 : 1;
    const baseline = Math.round(reach * (40 + i / 3) * (0.6 + next()));
    return {
      id: `n-${String(i + 1).padStart(3, "0")}`,
      topic,
      source,
      subject,
      about: { en, de },
      title,
      features: { [`topic:${topic}`]: 1, [`source:${source}`]: 0.5 },
      embedding,
      baseline,
      group: source,
    };
  });
}

/** The data category a click on this story belongs to: health reading is sensitive. */
export function readingCategory(story) {
  return story.topic === "health" ? "health-reading" : "reading";
}

/** The features an event about this story carries: its topic (sources are not interests). */
export function eventFeatures(story) {
  return { [`topic:${story.topic}`]: 1 };
}
