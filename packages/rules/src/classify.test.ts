import { describe, expect, it } from '@jest/globals';
import { classifyText } from './classify.js';

describe('classifyText', () => {
  it.each([
    ['System.Net.Http.HttpRequestException: No such host is known. (pipelines.actions.githubusercontent.com:443)', 'dns'],
    ['System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the remote host.', 'refused'],
    ['System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.', 'tls-handshake'],
  ])('English texts: %s', (text, cls) => {
    expect(classifyText(text)).toBe(cls);
  });

  it.each([
    ['System.Net.Sockets.SocketException (11001): Der angegebene Host ist unbekannt.', 'dns'],
    ['System.Net.Sockets.SocketException (10061): Es konnte keine Verbindung hergestellt werden, da der Zielcomputer die Verbindung verweigerte.', 'refused'],
    ['System.Net.Sockets.SocketException (10060): Ein Verbindungsversuch ist fehlgeschlagen, da die Gegenstelle nach einer bestimmten Zeitspanne nicht richtig reagiert hat.', 'timeout'],
    ['System.Net.Sockets.SocketException (10054): Une connexion existante a dû être fermée par l’hôte distant.', 'refused'],
    ['System.Net.Sockets.SocketException (111): Conexión rehusada', 'refused'],
    ['System.Net.Sockets.SocketException (61): Connessione rifiutata', 'refused'],
    ['System.Security.Authentication.AuthenticationException: Das Remotezertifikat ist laut Validierungsverfahren ungültig.', 'tls-handshake'],
  ])('a localized OS message is classified by its code or exception type: %s', (text, cls) => {
    expect(classifyText(text)).toBe(cls);
  });

  it('an unknown socket code, or a socket error without one, is not guessed', () => {
    expect(classifyText('System.Net.Sockets.SocketException (995): Der E/A-Vorgang wurde abgebrochen.')).toBeNull();
    expect(classifyText('System.Net.Sockets.SocketException: Unbekannter Fehler')).toBeNull();
  });
});
