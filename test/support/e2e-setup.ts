// End-to-end tests start real services and wait on a real broker: minutes, not Jest's 5 s.
jest.setTimeout(180_000);
