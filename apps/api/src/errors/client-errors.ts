import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests that Node's HTTP parser refuses before any route sees them (a query string over its
 * 16 KB of headers, a malformed request line): Node answers them with an empty body, ours carry
 * the API's error shape like every other refusal.
 */
export function answerClientErrorsInJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, body] = tooLarge
      ? [
          431,
          'Request Header Fields Too Large',
          {
            code: 'EN_TETES_TROP_VOLUMINEUX',
            message: "L'adresse ou les en-têtes de la requête dépassent 16 Ko : raccourcissez les paramètres de la requête.",
            details: null,
          },
        ]
      : [400, 'Bad Request', { code: 'REQUETE_INVALIDE', message: 'La requête HTTP est mal formée : vérifiez la ligne de requête et les en-têtes.', details: null }];
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
