// Domain endpoint lookup with a mocked AWS SDK client (aws-sdk-client-mock): no AWS calls.
import { DescribeDomainCommand, OpenSearchClient } from "@aws-sdk/client-opensearch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { DomainEndpointError, resolveAwsDomainEndpoint } from "../../src/opensearch/aws-endpoint.js";

const mock = mockClient(OpenSearchClient);
afterEach(() => mock.reset());
const target = { mode: "aws", region: "eu-west-1", domainName: "soc-events" } as const;
const status = (s: object) => ({ DomainStatus: { DomainId: "1", DomainName: "soc-events", ARN: "arn:aws:es:eu-west-1:1:domain/soc-events", ClusterConfig: {}, ...s } });
const credentials = () => Promise.resolve({ accessKeyId: "AKID", secretAccessKey: "secret" });

describe("resolveAwsDomainEndpoint", () => {
  it("returns the public endpoint as an https URL", async () => {
    mock.on(DescribeDomainCommand, { DomainName: "soc-events" }).resolves(status({ Endpoint: "search-soc-events-abc.eu-west-1.es.amazonaws.com" }));
    expect(await resolveAwsDomainEndpoint(target, { credentials })).toBe("https://search-soc-events-abc.eu-west-1.es.amazonaws.com");
  });

  it("falls back to the VPC endpoint", async () => {
    mock.on(DescribeDomainCommand).resolves(status({ Endpoints: { vpc: "vpc-soc-events-abc.eu-west-1.es.amazonaws.com" } }));
    expect(await resolveAwsDomainEndpoint(target, { credentials })).toBe("https://vpc-soc-events-abc.eu-west-1.es.amazonaws.com");
  });

  it("explains a domain that is still being created", async () => {
    mock.on(DescribeDomainCommand).resolves(status({ Processing: true }));
    await expect(resolveAwsDomainEndpoint(target, { credentials })).rejects.toThrow(/no endpoint yet: it is still being created/);
  });

  it("wraps SDK errors with the domain and region", async () => {
    mock.on(DescribeDomainCommand).rejects(Object.assign(new Error("Domain not found: soc-events"), { name: "ResourceNotFoundException" }));
    const err = await resolveAwsDomainEndpoint(target, { credentials }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainEndpointError);
    expect((err as Error).message).toMatch(/DescribeDomain soc-events in eu-west-1 failed: Domain not found/);
  });

  it("refuses a domain being deleted", async () => {
    mock.on(DescribeDomainCommand).resolves(status({ Deleted: true, Endpoint: "x" }));
    await expect(resolveAwsDomainEndpoint(target, { credentials })).rejects.toThrow(/being deleted/);
  });
});
