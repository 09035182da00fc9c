// The texts of a step that its values are read from: its run, its env's values and its if.
import { isObject, type Json, textOf } from '../../json';

/** The texts of a step that may read earlier steps' outputs (or call hashFiles()), and whether each is a condition. */
export function readingTexts(step: Json): { text: string; isCondition: boolean }[] {
  const texts = [{ text: textOf(step.run), isCondition: false }];
  if (isObject(step.env)) for (const v of Object.values(step.env)) texts.push({ text: textOf(v), isCondition: false });
  if (step.if !== undefined) texts.push({ text: textOf(step.if), isCondition: true });
  return texts;
}
