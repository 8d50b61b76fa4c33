import nock from 'nock';

// nock intercepts http for the whole worker process: a mock left pending by one test file must not
// answer another file's request. Every file starts and ends with a clean, deactivated nock.
afterAll(() => {
  nock.cleanAll();
  nock.restore();
  nock.enableNetConnect();
});
