/**
 * The text-to-speech voices Omnigage offers: Amazon Polly voices, named `Polly-<Name>`
 * (docs/omnigage-api.md, decision 3). Kept here as a static list so the picker works offline; a
 * voice not in it may still be typed and is sent as written. `lang` is the BCP 47 tag the
 * computer's own speech engine is asked for when "Listen" plays an approximation.
 */
export interface Voice {
  /** What Omnigage is sent: `Polly-Joanna`. */
  id: string;
  /** The name shown and typed: `Joanna`. */
  name: string;
  language: string;
  lang: string;
  gender: 'female' | 'male' | 'child (female)' | 'child (male)';
  description: string;
}

const v = (
  name: string,
  language: string,
  lang: string,
  gender: Voice['gender'],
  description: string,
): Voice => ({
  id: `Polly-${name}`,
  name,
  language,
  lang,
  gender,
  description,
});

export const VOICES: readonly Voice[] = [
  v('Joanna', 'English (US)', 'en-US', 'female', 'Warm and clear; the usual choice'),
  v('Matthew', 'English (US)', 'en-US', 'male', 'Calm, mid-range'),
  v('Salli', 'English (US)', 'en-US', 'female', 'Bright, friendly'),
  v('Kimberly', 'English (US)', 'en-US', 'female', 'Crisp, businesslike'),
  v('Kendra', 'English (US)', 'en-US', 'female', 'Even, measured'),
  v('Joey', 'English (US)', 'en-US', 'male', 'Casual, younger'),
  v('Ruth', 'English (US)', 'en-US', 'female', 'Mature, reassuring'),
  v('Stephen', 'English (US)', 'en-US', 'male', 'Steady, newsreader'),
  v('Danielle', 'English (US)', 'en-US', 'female', 'Natural, relaxed'),
  v('Gregory', 'English (US)', 'en-US', 'male', 'Deep, formal'),
  v('Ivy', 'English (US)', 'en-US', 'child (female)', 'A child’s voice'),
  v('Justin', 'English (US)', 'en-US', 'child (male)', 'A child’s voice'),
  v('Kevin', 'English (US)', 'en-US', 'child (male)', 'A child’s voice'),
  v('Brian', 'English (UK)', 'en-GB', 'male', 'British, formal'),
  v('Amy', 'English (UK)', 'en-GB', 'female', 'British, clear'),
  v('Emma', 'English (UK)', 'en-GB', 'female', 'British, soft'),
  v('Arthur', 'English (UK)', 'en-GB', 'male', 'British, warm'),
  v('Nicole', 'English (Australia)', 'en-AU', 'female', 'Australian'),
  v('Olivia', 'English (Australia)', 'en-AU', 'female', 'Australian, natural'),
  v('Russell', 'English (Australia)', 'en-AU', 'male', 'Australian'),
  v('Raveena', 'English (India)', 'en-IN', 'female', 'Indian English'),
  v('Aditi', 'English (India)', 'en-IN', 'female', 'Indian English and Hindi'),
  v('Kajal', 'English (India)', 'en-IN', 'female', 'Indian English, natural'),
  v('Aria', 'English (New Zealand)', 'en-NZ', 'female', 'New Zealand'),
  v('Ayanda', 'English (South Africa)', 'en-ZA', 'female', 'South African'),
  v('Niamh', 'English (Ireland)', 'en-IE', 'female', 'Irish'),
  v('Geraint', 'English (Wales)', 'en-GB-WLS', 'male', 'Welsh English'),
  v('Lupe', 'Spanish (US)', 'es-US', 'female', 'US Spanish, warm'),
  v('Penelope', 'Spanish (US)', 'es-US', 'female', 'US Spanish'),
  v('Miguel', 'Spanish (US)', 'es-US', 'male', 'US Spanish'),
  v('Pedro', 'Spanish (US)', 'es-US', 'male', 'US Spanish, natural'),
  v('Mia', 'Spanish (Mexico)', 'es-MX', 'female', 'Mexican Spanish'),
  v('Andres', 'Spanish (Mexico)', 'es-MX', 'male', 'Mexican Spanish'),
  v('Conchita', 'Spanish (Spain)', 'es-ES', 'female', 'Castilian Spanish'),
  v('Lucia', 'Spanish (Spain)', 'es-ES', 'female', 'Castilian Spanish, clear'),
  v('Enrique', 'Spanish (Spain)', 'es-ES', 'male', 'Castilian Spanish'),
  v('Chantal', 'French (Canada)', 'fr-CA', 'female', 'Canadian French'),
  v('Gabrielle', 'French (Canada)', 'fr-CA', 'female', 'Canadian French, natural'),
  v('Liam', 'French (Canada)', 'fr-CA', 'male', 'Canadian French'),
  v('Celine', 'French (France)', 'fr-FR', 'female', 'French'),
  v('Lea', 'French (France)', 'fr-FR', 'female', 'French, clear'),
  v('Mathieu', 'French (France)', 'fr-FR', 'male', 'French'),
  v('Camila', 'Portuguese (Brazil)', 'pt-BR', 'female', 'Brazilian Portuguese'),
  v('Vitoria', 'Portuguese (Brazil)', 'pt-BR', 'female', 'Brazilian Portuguese'),
  v('Ricardo', 'Portuguese (Brazil)', 'pt-BR', 'male', 'Brazilian Portuguese'),
  v('Ines', 'Portuguese (Portugal)', 'pt-PT', 'female', 'European Portuguese'),
  v('Cristiano', 'Portuguese (Portugal)', 'pt-PT', 'male', 'European Portuguese'),
  v('Vicki', 'German', 'de-DE', 'female', 'German'),
  v('Marlene', 'German', 'de-DE', 'female', 'German, soft'),
  v('Hans', 'German', 'de-DE', 'male', 'German'),
  v('Bianca', 'Italian', 'it-IT', 'female', 'Italian'),
  v('Carla', 'Italian', 'it-IT', 'female', 'Italian, bright'),
  v('Giorgio', 'Italian', 'it-IT', 'male', 'Italian'),
  v('Zhiyu', 'Chinese (Mandarin)', 'cmn-CN', 'female', 'Mandarin Chinese'),
  v('Hiujin', 'Chinese (Cantonese)', 'yue-CN', 'female', 'Cantonese'),
  v('Seoyeon', 'Korean', 'ko-KR', 'female', 'Korean'),
  v('Mizuki', 'Japanese', 'ja-JP', 'female', 'Japanese'),
  v('Takumi', 'Japanese', 'ja-JP', 'male', 'Japanese'),
  v('Zeina', 'Arabic', 'arb', 'female', 'Modern Standard Arabic'),
  v('Tatyana', 'Russian', 'ru-RU', 'female', 'Russian'),
  v('Maxim', 'Russian', 'ru-RU', 'male', 'Russian'),
  v('Lotte', 'Dutch', 'nl-NL', 'female', 'Dutch'),
  v('Ruben', 'Dutch', 'nl-NL', 'male', 'Dutch'),
  v('Ewa', 'Polish', 'pl-PL', 'female', 'Polish'),
  v('Jacek', 'Polish', 'pl-PL', 'male', 'Polish'),
  v('Filiz', 'Turkish', 'tr-TR', 'female', 'Turkish'),
];

/** Voices by language, in the list's order (English (US) first). */
export function voicesByLanguage(): Array<{ language: string; voices: Voice[] }> {
  const groups: Array<{ language: string; voices: Voice[] }> = [];
  for (const voice of VOICES) {
    const group = groups.find((g) => g.language === voice.language);
    if (group) group.voices.push(voice);
    else groups.push({ language: voice.language, voices: [voice] });
  }
  return groups;
}

/**
 * A voice as a person may type it: "Lupe", "lupe", "Polly-Lupe", "polly lupe". Returns the
 * known voice, or null (a free entry is then sent as typed).
 */
export function findVoice(typed: string): Voice | null {
  const name = typed
    .trim()
    .replace(/^polly[-\s_]*/i, '')
    .toLowerCase();
  if (!name) return null;
  return VOICES.find((voice) => voice.name.toLowerCase() === name) ?? null;
}

/** What is stored and sent for a typed voice: a known one as `Polly-<Name>`, anything else as typed. */
export function canonicalVoice(typed: string): string {
  return findVoice(typed)?.id ?? typed.trim();
}
