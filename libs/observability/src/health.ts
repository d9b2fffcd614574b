import { Controller, Get, Inject, type DynamicModule, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';

/** A dependency the service cannot work without; readiness asks each one. */
export interface ReadinessProbe {
  name: string;
  isUp(): boolean | Promise<boolean>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');

@ApiExcludeController()
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.probes.map((probe) => () => this.probe(probe)));
  }

  private async probe(probe: ReadinessProbe): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(probe.name);
    const up = await Promise.resolve(probe.isUp()).catch(() => false);
    return up ? indicator.up() : indicator.down();
  }
}

@Module({})
export class HealthModule {
  /** `probes` is a provider factory so probes can use the app's own injected services. */
  static forProbes(probes: {
    inject: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
    useFactory: (...deps: never[]) => ReadinessProbe[];
  }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: READINESS_PROBES, inject: probes.inject, useFactory: probes.useFactory },
      ],
    };
  }
}
