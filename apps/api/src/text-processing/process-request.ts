import { BadRequestException } from '@nestjs/common';

export const OPERATIONS = ['summarize', 'sentiment', 'key_points', 'questions', 'qa'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_QUESTION_LENGTH = 1_000;

export interface ProcessRequest {
  text: string;
  operation: Operation;
  question?: string;
}

/** Checks a request body field by field; the error names what is wrong. */
export function parseProcessRequest(body: unknown): ProcessRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('Body must be a JSON object with "text" and "operation"');
  }
  const { text, operation, question } = body as Record<string, unknown>;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new BadRequestException('"text" must be a non-empty string');
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new BadRequestException(`"text" must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) {
    throw new BadRequestException(`"operation" must be one of ${OPERATIONS.join(', ')}`);
  }
  if (
    question !== undefined &&
    (typeof question !== 'string' || question.length > MAX_QUESTION_LENGTH)
  ) {
    throw new BadRequestException(
      `"question" must be a string of at most ${MAX_QUESTION_LENGTH} characters`,
    );
  }
  if (operation === 'qa' && !question?.trim()) {
    throw new BadRequestException('"question" is required for the qa operation');
  }
  return { text, operation: operation as Operation, question };
}

const INSTRUCTIONS: Record<Operation, string> = {
  summarize: 'Summarize the following text concisely.',
  sentiment:
    'Classify the sentiment of the following text as positive, negative or neutral, and say why in one sentence.',
  key_points: 'List the key points of the following text as short bullet points.',
  questions: 'Write three questions that the following text answers.',
  qa: 'Answer the question using only the following text.',
};

export function promptFor({ text, operation, question }: ProcessRequest): string {
  const asked = operation === 'qa' ? `\nQuestion: ${question}` : '';
  return `${INSTRUCTIONS[operation]}${asked}\n\nText:\n${text}`;
}
