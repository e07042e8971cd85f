import { ApiProperty } from '@nestjs/swagger';

/** How fresh a read is (API.md): a position in the global log and how many events it lags behind. */
export class Fraicheur {
  @ApiProperty({ example: 1234 })
  position: number;

  @ApiProperty({ example: 0 })
  retard: number;
}

/** A state rebuilt from its own stream is as fresh as the stream's last event. */
export function fraicheurDuFlux(position: number | null): Fraicheur {
  return { position: position ?? 0, retard: 0 };
}
