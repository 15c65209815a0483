// A small synthetic news catalog for the demo: public item data (topics, sources, popularity).
const TOPICS = ["science", "space", "sports", "culture", "world", "health"];
const SOURCES = ["wire", "local", "magazine"];

export function newsCatalog() {
  return Array.from({ length: 60 }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length];
    const source = SOURCES[(i * 7) % SOURCES.length];
    // The wire service gets the most clicks: popularity favours it.
    const baseline = (source === "wire" ? 400 : source === "local" ? 150 : 90) - i;
    // A tiny embedding: one dimension per topic, a little of the next one.
    const embedding = TOPICS.map((t, k) => (t === topic ? 1 : k === (TOPICS.indexOf(topic) + 1) % TOPICS.length ? 0.3 : 0));
    return { id: `a-${100 + i}`, group: source, baseline, embedding, features: { [`topic:${topic}`]: 1, [`source:${source}`]: 0.5 } };
  });
}
