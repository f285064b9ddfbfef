/** @module Page steps the browser tests share: a fresh page, and a new account signed in through the form. */
import type { Browser, Page } from 'playwright-core';
import { newContext, Viewport } from './browser.ts';

export const TEST_PASSWORD = 'correct horse battery staple';
/** Longest wait for anything the page should show. */
export const WAIT_MS = 15_000;

/** A unique address per call. */
export function uniqueEmail(name: string): string {
  return `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** A page in its own context (own session storage). Close with `page.context().close()`. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = Viewport.Laptop,
): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

/** Signs up through the form and waits for the overview. */
export async function signUp(
  page: Page,
  baseUrl: string,
  address: string,
  displayName: string,
): Promise<void> {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Welcome, ${displayName}` }).waitFor();
}

/** Signs in through the form and waits for the overview: a session of its own for `page`. */
export async function signIn(page: Page, baseUrl: string, address: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
}
